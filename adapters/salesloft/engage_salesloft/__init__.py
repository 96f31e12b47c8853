"""engage adapter for salesloft (in progress)."""
