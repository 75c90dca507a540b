"""Clients of outside services (Google Calendar, Mistral, Groq): each speaks one API and turns
its failures into our own errors. Imports store/ and core/; never agent/, bot/, web/ or app/."""
