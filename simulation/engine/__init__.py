"""The SimPy engine: women (``woman``), the practice (``practice``), one replication (``model``)."""

from .events import Event, EventLog
from .model import ARMS, Rates, ReplicationLogs, simulate_arm, simulate_replication

__all__ = ["ARMS", "Event", "EventLog", "Rates", "ReplicationLogs", "simulate_arm",
           "simulate_replication"]
