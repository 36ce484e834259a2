"""``make bench``: the product against the raw baseline, side by side (quality.md P1-P10)."""
