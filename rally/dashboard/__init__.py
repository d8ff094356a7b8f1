"""The organizers' live dashboard: participation, stores, hours, funnel, rewards."""
