/** The event model shared by every stage: the event table (codes, names, parameters). */
package dev.peregrine.event;
