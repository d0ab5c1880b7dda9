"""The one search service shared by REST and GraphQL."""
