"""Reporting's own settings, besides every service's (prefix TRUST_)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ReportingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TRUST_", extra="ignore")

    # Whole board reports kept in memory, found again while nothing has been
    # recorded for their trust since (0: none; every read does all the work).
    board_report_cache: int = Field(default=32, ge=0, le=10_000)
