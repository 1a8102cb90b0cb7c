# The Python worker serving the reference services (workers/python). Build from the repository root:
#   docker build -f deploy/python.Dockerfile -t taskbridge-python .
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1
RUN pip install --no-cache-dir "aio-pika>=8.2,<10"
WORKDIR /app
COPY workers/python ./workers/python
USER nobody
CMD ["python", "workers/python/run_reference.py"]
