"""CMS webhooks: signed events in, a durable queue, the worker, job status and re-index."""

from api.webhooks.router import router
from api.webhooks.runtime import webhook_runtime

__all__ = ["router", "webhook_runtime"]
