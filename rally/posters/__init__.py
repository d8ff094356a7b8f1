"""Printable A4 posters of the checkpoints' QR codes."""
