"""What happened to a resident's posts, mentions and requests: the notifications page."""
