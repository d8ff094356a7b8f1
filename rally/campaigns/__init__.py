"""What the association defines: a rally (campaigns, checkpoints, reward tiers), its rules, editing and lifecycle."""
