"""engage adapter for outreach (in progress)."""
