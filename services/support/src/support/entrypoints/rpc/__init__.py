"""The servicer of support, cut by area: one mixin per area (base.py holds what
they share), composed in entrypoints/grpc_api.py."""
