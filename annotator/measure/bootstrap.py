"""The bootstrap of α MASI's 95% CI, one default for `agree`, the review dashboard and the dataset
card, so the same database gives the same interval everywhere (no numpy here: the CLI reads it at start)."""

SAMPLES = 1000
SEED = 0
