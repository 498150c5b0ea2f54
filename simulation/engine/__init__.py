"""The SimPy engine: women (``woman``), the practice (``practice``), one replication (``model``)."""

from simulation.engine.events import Event, EventLog
from simulation.engine.model import ARMS, Rates, ReplicationLogs, simulate_arm, simulate_replication

__all__ = ["ARMS", "Event", "EventLog", "Rates", "ReplicationLogs", "simulate_arm",
           "simulate_replication"]
