/** JMH benchmarks, one per measured subject; each class's javadoc gives its run command. */
package dev.peregrine.benchmarks;
