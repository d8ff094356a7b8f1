"""What the association defines: a rally (campaigns, checkpoints, reward tiers), its rules,
its editing and its lifecycle."""
