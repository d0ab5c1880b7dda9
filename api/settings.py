"""Settings of the API process: one class, read from the environment, refusing placeholders."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_PLACEHOLDERS = {
    "",
    "changeme",
    "change-me",
    "secret",
    "placeholder",
    "masterkey",
    "master_key",
    "xxx",
    "todo",
    "test",
    "password",
}


def _is_placeholder(value: str) -> bool:
    return value.strip().lower() in _PLACEHOLDERS or len(value.strip()) < 16


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    env: Literal["development", "production"] = Field(default="development", alias="QAWL_ENV")
    host: str = Field(default="127.0.0.1", alias="QAWL_HOST")
    port: int = Field(default=8000, alias="QAWL_PORT", ge=1, le=65535)
    meili_url: str = Field(default="http://127.0.0.1:7700", alias="MEILI_URL")
    meili_master_key: str = Field(default="", alias="MEILI_MASTER_KEY")
    index_prefix: str = Field(default="", alias="QAWL_INDEX_PREFIX")
    data_dir: str = Field(default=".qawl", alias="QAWL_DATA_DIR")
    # "scope:key" pairs; only sha256 hashes are kept in memory after parsing
    api_keys: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict, alias="QAWL_API_KEYS")
    webhook_secrets: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="QAWL_WEBHOOK_SECRETS")
    graphiql: bool | None = Field(default=None, alias="QAWL_GRAPHIQL")
    introspection: bool | None = Field(default=None, alias="QAWL_INTROSPECTION")
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list, alias="QAWL_CORS_ORIGINS")
    rate_limit_per_minute: int = Field(default=1200, alias="QAWL_RATE_LIMIT", ge=1)
    anonymous_rate_limit_per_minute: int = Field(default=600, alias="QAWL_ANON_RATE_LIMIT", ge=1)
    max_first: int = Field(default=100, ge=1, le=1000)
    max_depth: int = Field(default=10, alias="QAWL_GRAPHQL_MAX_DEPTH")
    max_aliases: int = Field(default=30, alias="QAWL_GRAPHQL_MAX_ALIASES")
    max_tokens: int = Field(default=2000, alias="QAWL_GRAPHQL_MAX_TOKENS")
    search_page: bool = Field(default=True, alias="QAWL_SEARCH_PAGE")
    # the webhook worker inside the API process; default: yes in development (``qawl dev``), no in
    # production, where ``qawl worker`` runs as its own service (docker-compose ``worker``)
    inline_worker: bool | None = Field(default=None, alias="QAWL_INLINE_WORKER")
    worker_batch: int = Field(default=64, alias="QAWL_WORKER_BATCH", ge=1, le=1000)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", alias="QAWL_LOG_LEVEL")

    @field_validator("api_keys", mode="before")
    @classmethod
    def _parse_keys(cls, value: object) -> object:
        if isinstance(value, str):
            keys: dict[str, str] = {}
            for pair in filter(None, (p.strip() for p in value.split(","))):
                scope, sep, key = pair.partition(":")
                if not sep or scope not in {"read", "admin"} or not key:
                    raise ValueError("QAWL_API_KEYS must be comma-separated scope:key pairs, scope read or admin")
                keys[hash_key(key)] = scope
            return keys
        return value

    @field_validator("webhook_secrets", "cors_origins", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_placeholders(self) -> ApiSettings:
        if self.env == "production":
            if _is_placeholder(self.meili_master_key):
                raise ValueError("MEILI_MASTER_KEY is missing or a placeholder: refusing to start in production")
            for secret in self.webhook_secrets:
                if _is_placeholder(secret.removeprefix("whsec_")):
                    raise ValueError("QAWL_WEBHOOK_SECRETS holds a placeholder secret: refusing to start in production")
        return self

    @property
    def development(self) -> bool:
        return self.env == "development"

    @property
    def graphiql_enabled(self) -> bool:
        return self.development if self.graphiql is None else self.graphiql

    @property
    def introspection_enabled(self) -> bool:
        return self.development if self.introspection is None else self.introspection

    @property
    def claims_index(self) -> str:
        return f"{self.index_prefix}claims"

    @property
    def articles_index(self) -> str:
        return f"{self.index_prefix}articles"
