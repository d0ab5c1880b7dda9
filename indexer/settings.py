"""Settings of the indexer process (and of the CLI commands that only index)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class IndexerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    meili_url: str | None = Field(default=None, alias="MEILI_URL")
    meili_master_key: str = Field(default="", alias="MEILI_MASTER_KEY")
    meili_bin: str | None = Field(default=None, alias="QAWL_MEILI_BIN")
    data_dir: Path = Field(default=Path(".qawl"), alias="QAWL_DATA_DIR")
    index_prefix: str = Field(default="", alias="QAWL_INDEX_PREFIX")
    batch_size: int = Field(default=2000, alias="QAWL_BATCH_SIZE", ge=1, le=100_000)
    # extraction processes for bulk indexing (`qawl index`, reindex); 0 = one per core
    index_workers: int = Field(default=0, alias="QAWL_INDEX_WORKERS", ge=0, le=64)

    @property
    def extraction_workers(self) -> int:
        from indexer.extraction_pool import default_workers

        return self.index_workers or default_workers()

    @property
    def claims_index(self) -> str:
        return f"{self.index_prefix}claims"

    @property
    def articles_index(self) -> str:
        return f"{self.index_prefix}articles"
