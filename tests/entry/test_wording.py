"""Flask-Security's pages speak plainly: field labels and messages in everyday words."""

from tests.conftest import csrf_token


def test_the_register_page_asks_to_type_the_password_again(client):
    page = client.get("/register").get_data(as_text=True)
    assert "Type the password again" in page
    assert "Retype Password" not in page
    assert "Email Address" not in page


def test_two_different_passwords_are_explained(client):
    token = csrf_token(client, "/register")
    response = client.post(
        "/register",
        data={
            "email": "plain@example.com",
            "password": "a sturdy passphrase for tests",
            "password_confirm": "a different passphrase entirely",
            "csrf_token": token,
        },
    )
    assert "The two passwords differ: type the same password twice." in response.get_data(
        as_text=True
    )


def test_the_sign_in_page_says_keep_me_signed_in(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Remember Me" not in page
