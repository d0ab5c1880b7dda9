"""REST routes (OpenAPI), calling the same SearchService as GraphQL."""
