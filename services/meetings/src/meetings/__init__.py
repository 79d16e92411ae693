"""The meetings service: meetings by cadence and by hand, papers, notes, actions."""
