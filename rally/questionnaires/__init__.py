"""A short questionnaire a campaign asks before a prize is claimed."""
