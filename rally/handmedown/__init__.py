"""The hand-me-down board (おゆずりします): residents give children's things away."""
