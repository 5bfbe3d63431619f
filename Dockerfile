# The app on PostgreSQL: migrations, then reference and demo data, then the server.
# docker build -t bourse . && docker run -e DATABASE_URL=postgresql+asyncpg://user:pass@db:5432/bourse \
#   -e BOURSE_ENV=production -e SECRET_KEY=... -e STRIPE_API_BASE= -e STRIPE_SECRET_KEY=sk_... \
#   -e STRIPE_PUBLISHABLE_KEY=pk_... -e STRIPE_WEBHOOK_SECRET=whsec_... -p 8000:8000 bourse
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm make && rm -rf /var/lib/apt/lists/*
COPY requirements.txt constraints.txt ./
RUN pip install --no-cache-dir --extra-index-url https://download.pytorch.org/whl/cpu -r requirements.txt -c constraints.txt
COPY . .
RUN make assets VENV=/usr/local
EXPOSE 8000
CMD ["sh", "-c", "alembic upgrade head && python -m seeds all && uvicorn --factory api.app:create_app --host 0.0.0.0 --port 8000 --proxy-headers"]
