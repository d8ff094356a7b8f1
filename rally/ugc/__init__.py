"""What residents write and upload, made safe to show: post text (``text.py``) and post
photos (``photos.py``). A low room: the circles and threads above it call these; it imports
only the shared foundations."""
