"""Proto <-> the meetings service, one converter per type, in one place:
requests become commands (``requests``), what was decided becomes the reply
(``replies``), each reused both ways where a type travels both ways (Person).
Actors, dates and times go through chassis.convert, as in every service."""
