# qawl API and worker image (the same image, different commands in docker-compose.yml).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 QAWL_ENV=production QAWL_HOST=0.0.0.0 QAWL_PORT=8000
WORKDIR /app
COPY pyproject.toml README.md ./
COPY indexer ./indexer
COPY api ./api
COPY qawl ./qawl
COPY seeds ./seeds
RUN pip install --no-cache-dir . && useradd --system --uid 1000 qawl && mkdir -p /data && chown qawl /data
USER qawl
ENV QAWL_DATA_DIR=/data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status==200 else 1)"
CMD ["qawl", "serve"]
