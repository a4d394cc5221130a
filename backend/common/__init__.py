"""Helpers shared by every app that belong to no single part of the domain."""
