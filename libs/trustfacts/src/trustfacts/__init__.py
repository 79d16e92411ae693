"""What a consuming service keeps of the register, the frameworks and the phases.

``model``: the facts as plain values (and where an academy stood on a day);
``ports``: the reader and writer a service's handlers depend on;
``recorder``: a consumed event -> the facts, saying what changed;
``postgres`` and ``memory``: the two implementations, which behave alike.
"""
