"""The visitor's card page: one campaign's card with its places, areas, rewards and lotteries."""
