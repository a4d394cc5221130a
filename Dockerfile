# The Parcours app image: app servers (the default command), the worker and migrations
# run from it. Follows docs/operations.md, "Deployment"; not tested on the machines
# Parcours is developed on (no container runtime there): check it before relying on it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEBUG=0 \
    DB_CONN_MAX_AGE=600

WORKDIR /app
COPY pyproject.toml README.md ./
COPY backend ./backend
RUN pip install --no-cache-dir . \
    && useradd --system --home /app parcours \
    && SECRET_KEY=collectstatic-only python backend/manage.py collectstatic --noinput -v0

USER parcours
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--chdir", "backend", \
     "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
