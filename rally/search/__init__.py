"""Search over the posts a resident may read (two Japanese characters find a word)."""
