"""Areas of the district (a shopping street, a neighbourhood) that stores and spots belong to."""
