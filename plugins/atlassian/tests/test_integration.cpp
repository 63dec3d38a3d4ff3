// Filled in below once the connector runtime lands.
