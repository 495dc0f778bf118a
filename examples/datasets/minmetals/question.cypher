// Which programs reached counties in Yunnan, and which sentence says so?
MATCH (p:Program)-[r:REACHED]->(place)-[:LOCATED_IN*0..]->(:Province {name: 'Yunnan'})
MATCH (d:Document {id: r.source})
RETURN DISTINCT p.name AS program, place.name AS reached, r.inferred AS inferred, d.title AS document, r.quote AS quote;
