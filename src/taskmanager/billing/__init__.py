"""Plans, their limits, and (later) Stripe billing."""
