"""The GraphQL surface: types, resolvers, loaders. Talks to db and policies, never to HTTP."""
