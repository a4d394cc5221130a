"""Production settings plus the floor view: what `make bench` serves."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
