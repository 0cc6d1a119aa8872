"""Kei EV Atlas: validate the data package, render its charts and pages, build the site."""
