"""Store registry, profiles and directory pages."""
