"""The merchants' association's back office: stores, campaigns, posters and exports."""
