"""engage adapter for salesforce (in progress)."""
