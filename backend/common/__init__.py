"""Helpers shared by the apps that are not HTTP: roles, bilingual labels, spreadsheet
exports, SQL both databases run, caching (one vocabulary: kinds, versions, invalidation),
and pausing the cycle collector for large answers.

Not a Django app: no models, nothing registered at start-up. It imports no app; `api`
(HTTP plumbing) and every app may import it.
"""
