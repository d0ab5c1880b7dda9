"""qawl API: GraphQL (main interface) and REST over the claims and articles in Meilisearch."""
