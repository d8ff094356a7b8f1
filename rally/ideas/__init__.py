"""Ideas tracked to action (まちづくりアイデア, issue 20)."""
