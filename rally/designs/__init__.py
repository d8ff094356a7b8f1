"""Stamp designs: each checkpoint's stamp image (uploaded, or a generated hanko) and the
completion badge a visitor can save."""
