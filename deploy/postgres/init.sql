-- One database per service: no service reads another's tables.
CREATE DATABASE academies;
CREATE DATABASE evaluations;
CREATE DATABASE meetings;
CREATE DATABASE support;
CREATE DATABASE reporting;
