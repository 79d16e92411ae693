"""Runs the whole platform locally: infrastructure, services, the demo."""

import os

# The launcher forks service processes while gRPC client threads run; gRPC's
# fork handlers are not needed for that and only print warnings.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
