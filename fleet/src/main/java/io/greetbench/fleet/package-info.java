/** Load from many generators (placeholder while the module is written). */
package io.greetbench.fleet;
