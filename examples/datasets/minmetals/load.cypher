// The minmetals knowledge graph: the facts of China Minmetals' press release
// of 1 March 2021 (china-minmetals-2021-03-01.txt beside this script; its
// source: SOURCE.md), hand-curated sentence by sentence and linked to the
// real divisions of the china-divisions example, which loads first.
// Without it the links to the six counties could not be made, so the load
// stops here and loads nothing:
// kg:require OPTIONAL MATCH (c:County {code: '530627'})-[:LOCATED_IN*]->(:Province {name: 'Yunnan'}) RETURN count(c) > 0
// kg:else the minmetals graph links to the china-divisions example, which is not loaded: load examples/datasets/china-divisions/load.cypher first (in the same kg load, or before), or run `kg example minmetals`
//
// Conventions (the labels, types and properties are listed in the
// project's README.md, "Example datasets"; SOURCE.md has the text's source):
// - every fact edge carries `source` (the Document id) and `quote` (the
//   sentence it comes from, verbatim);
// - a fact the text implies but does not state carries `inferred: true` and
//   an `inference` saying why;
// - where the text contradicts itself, each sentence's version is kept
//   (see the Document's `contradictions`);
// - a number the text gives is a :Statistic {value, unit, qualifier} (the
//   qualifier is the text's 'over', 'nearly' or 'all', or null), reached by
//   HAS_STATISTIC from what it counts, with the sentence; sums of money
//   are `amount_rmb` on FUNDED and FACILITATED;
// - an award given is a :Conferral, linked to the award (OF_AWARD), its
//   recipients (RECIPIENT), the event (AT), who presented and who accepted
//   it (PRESENTED, ACCEPTED), with its date.
// SOURCE.md maps each sentence of the text to the facts taken from it.

// ---- The document ----
LOAD CSV FROM 'china-minmetals-2021-03-01.txt' AS line FIELDTERMINATOR '\u0001'
WITH collect(coalesce(line[0], '')) AS lines
CREATE (:Document {
  id: 'minmetals-2021-03-01',
  title: 'China Minmetals Office of Poverty Alleviation is awarded with the Exemplary Organization in China’s Poverty Alleviation Fight',
  date: date('2021-03-01'),
  // The distribution time carries no zone in the source.
  distributed: localdatetime('2021-02-28T18:52'),
  publisher: 'China Minmetals Corporation',
  kind: 'press release',
  text: reduce(s = head(lines), l IN tail(lines) | s + '\n' + l),
  contradictions: [
    "Paired counties: six in 'It has spared no efforts to firmly and effectively assist six paired impoverished counties, ...' and 'Among the six impoverished counties paired with China Minmetals, ...', but seven in 'By the end of November 2020, the seven impoverished counties paired with China Minmetals were removed from the poverty list as planned.' The six named counties are the PAIRED_WITH edges.",
    "Award recipient: the title says 'China Minmetals Office of Poverty Alleviation is awarded with the Exemplary Organization in China’s Poverty Alleviation Fight'; the body says the gathering honored 'China Minmetals as an exemplary organization' and names Wang Wenhai 'the award receiver on behalf of China Minmetals'. Both RECEIVED edges are kept.",
    "Program names: the text names a 'Mineral Core' vocational education program and, later, a 'Kuangxin' assistance program; Kuangxin (矿芯) is Chinese for 'mineral core', so they are taken as one program (the REACHED edge that rests on this is marked inferred)."
  ]
});
CREATE INDEX document_id IF NOT EXISTS FOR (d:Document) ON (d.id);
CREATE INDEX organization_name IF NOT EXISTS FOR (o:Organization) ON (o.name);
CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name);
CREATE INDEX program_name IF NOT EXISTS FOR (p:Program) ON (p.name);
CREATE INDEX award_name IF NOT EXISTS FOR (a:Award) ON (a.name);

// ---- Entities ----
UNWIND [
  {name: 'China Minmetals', full_name: 'China Minmetals Corporation', kind: 'state-owned enterprise',
   aliases: ['China Minmetals Corporation', 'the Company'], paired_county_counts_stated: [6, 7]},
  {name: 'China Minmetals Office of Poverty Alleviation', aliases: ['Office of Poverty Alleviation of China Minmetals']},
  {name: 'China Minmetals Party and Mass Work Department', aliases: ['Party and Mass Work Department']},
  {name: 'Party Group of China Minmetals'},
  {name: 'China Minmetals Labor Union', aliases: ['its labor union']},
  {name: 'Communist Party of China', full_name: 'Communist Party of China', aliases: ['CPC', 'the Party']},
  {name: 'CPC Central Committee', full_name: 'Central Committee of the Communist Party of China',
   aliases: ['Communist Party of China (CPC) Central Committee', 'Party Central Committee', 'Central Committee']},
  {name: 'Central Military Commission'},
  {name: 'CPAD', full_name: 'State Council Leading Group Office of Poverty Alleviation and Development',
   aliases: ['State Council Leading Group Office of Poverty Alleviation and Development']},
  {name: 'Central SOEs Industrial Investment Fund for Poor Area', kind: 'investment fund'},
  {name: 'Panzhihua Technician Institute', kind: 'vocational school'}
] AS o
CREATE (n:Organization {name: o.name})
SET n += o;

UNWIND [
  {name: 'Xi Jinping', titles: ['Chinese President', 'General Secretary of the Communist Party of China (CPC) Central Committee', 'Chairman of the Central Military Commission']},
  {name: 'Tang Fuping', honorific: 'Mr.', titles: ['Party Group Secretary and Chairman of China Minmetals']},
  {name: 'Wang Wenhai', honorific: 'Mr.', titles: ['Director of the Party and Mass Work Department', 'Director of the Office of Poverty Alleviation of China Minmetals']}
] AS p
CREATE (n:Person {name: p.name})
SET n += p;

UNWIND [
  {name: 'futures + insurance', kind: 'financial', aliases: ["'futures + insurance' financial program", "'futures + insurance' financial practice"]},
  // The text names a 'Mineral Core' program and, in a later sentence, a
  // 'Kuangxin' one: taken to be one program, an inference.
  {name: 'Mineral Core', kind: 'vocational education', inferred_aliases: ['Kuangxin'],
   alias_inference: "Kuangxin (矿芯) is Chinese for 'mineral core'; the text names a 'Mineral Core' vocational education program and later a 'Kuangxin' assistance program giving skill education"},
  {name: 'Small and Beautiful', kind: 'industrial', aliases: ["'Small and Beautiful' industrial model"]},
  {name: 'Selling Zhaotong Products in Beijing', kind: 'consumption'},
  {name: 'Industrial parks for poverty alleviation in Huahuan County', kind: 'industrial'},
  {name: 'Publicity of poverty alleviation', kind: 'publicity', channels: ['major media platforms', 'white papers on poverty alleviation']}
] AS p
CREATE (n:Program {name: p.name})
SET n += p;

UNWIND [
  {name: "Exemplary Organization in China's Poverty Alleviation Fight", aliases: ['Exemplary Organization in China’s Poverty Alleviation Fight', 'exemplary organization']},
  {name: "Exemplary Individual in China's Poverty Alleviation Fight", aliases: ['Exemplary Individuals']},
  {name: "Role Model in China's Poverty Alleviation Fight", aliases: ["Role Models in China's Poverty Alleviation Fight"]},
  {name: "'Good' in the assessment for assistance for targeted poor areas", aliases: ["ranked 'Good'"],
   note: 'the highest rank in the assessment by central Party and government departments'}
] AS a
CREATE (n:Award {name: a.name})
SET n += a;

// The text says "On February 25"; the year is the press release's.
CREATE (:Event {name: "Gathering to mark China's accomplishments in poverty alleviation", date: date('2021-02-25'), city: 'Beijing',
                aliases: ['grand gathering'], date_text: 'February 25', date_inferred: true,
                date_inference: 'the text gives the day and month; the year is that of the press release, dated 1 March 2021'});
CREATE (:Event {name: "Xi Jinping's speech at the gathering", kind: 'speech', aliases: ['an important speech']}),
       (:Event {name: "China's complete victory in its fight against poverty", kind: 'declaration',
                occasion: '100th anniversary of the founding of the CPC',
                aliases: ['a complete victory in its fight against poverty', "another 'miracle' that will 'go down in history'"]});
CREATE (:Document {id: 'china-minmetals-white-papers-on-poverty-alleviation', title: 'White papers on poverty alleviation',
                   kind: 'white papers', publisher: 'China Minmetals Office of Poverty Alleviation',
                   aim: "systematic introductions to the China Minmetals's general ideas, representative practices, and major achievements in the cause"});

// The text's own spellings of the counties it names.
MATCH (c:County {code: '530628'}) SET c.aliases = ['Yilaing County', 'Yilaing'];
MATCH (c:County {code: '433124'}) SET c.aliases = ['Huahuan County', 'Huahuan'];
MATCH (c:County) WHERE c.code IN ['530627', '530629', '520627', '520626'] SET c.aliases = [split(c.name, ' ')[0]];

// ---- Facts ----
// PAIRED_WITH: the six counties the text names.
WITH "It has spared no efforts to firmly and effectively assist six paired impoverished counties, namely Zhenxiong, Yilaing, Weixin counties in Yunnan Province, Huahuan County in Hunan Province, and Yanhe and Dejiang counties in Guizhou Province." AS quote
UNWIND [{code: '530627', as: 'Zhenxiong'}, {code: '530628', as: 'Yilaing'}, {code: '530629', as: 'Weixin'},
        {code: '433124', as: 'Huahuan County'}, {code: '520627', as: 'Yanhe'}, {code: '520626', as: 'Dejiang'}] AS c
MATCH (o:Organization {name: 'China Minmetals'}), (k:County {code: c.code})
CREATE (o)-[:PAIRED_WITH {source: 'minmetals-2021-03-01', quote: quote, as: c.as, count_in_text: 6}]->(k);

// LAUNCHED: the programs China Minmetals started.
UNWIND [
  {program: 'futures + insurance', quote: "It launched financial poverty alleviation models such as the 'futures + insurance' financial program, the 'Mineral Core' vocational education program, the 'Small and Beautiful' industrial program in Huahuan County."},
  {program: 'Mineral Core', quote: "It launched financial poverty alleviation models such as the 'futures + insurance' financial program, the 'Mineral Core' vocational education program, the 'Small and Beautiful' industrial program in Huahuan County."},
  {program: 'Small and Beautiful', quote: "It launched financial poverty alleviation models such as the 'futures + insurance' financial program, the 'Mineral Core' vocational education program, the 'Small and Beautiful' industrial program in Huahuan County."},
  {program: 'Industrial parks for poverty alleviation in Huahuan County', role: 'established',
   quote: "In Huahuan County, 'birthplace of targeted poverty alleviation,' seven industrial parks for poverty alleviation established by China Minmetals are growing, which have benefited over 2,000 people and helped over 3,000 impoverished residents in increasing income and rising out of poverty, leaving permeant engines for poverty alleviation in Huahuan County."}
] AS f
MATCH (o:Organization {name: 'China Minmetals'}), (p:Program {name: f.program})
CREATE (o)-[r:LAUNCHED {source: 'minmetals-2021-03-01'}]->(p)
SET r += f { .quote, .role, .inferred, .inference };

// COORDINATED: the program whose implementation China Minmetals coordinated
// (the text does not say it started it).
MATCH (o:Organization {name: 'China Minmetals'}), (p:Program {name: 'Selling Zhaotong Products in Beijing'})
CREATE (o)-[:COORDINATED {source: 'minmetals-2021-03-01', as: 'coordinated the implementation',
                          quote: "It also coordinated the implementation of the 'Selling Zhaotong Products in Beijing' consumption program and invested a large amount of assistance funds in introducing overseas foundations to the impoverished counties for three year in a row."}]->(p);

// REACHED: the places and organizations each program got to.
UNWIND [
  {program: 'Small and Beautiful', label: 'County', code: '433124',
   quote: "It launched financial poverty alleviation models such as the 'futures + insurance' financial program, the 'Mineral Core' vocational education program, the 'Small and Beautiful' industrial program in Huahuan County."},
  {program: 'Industrial parks for poverty alleviation in Huahuan County', label: 'County', code: '433124',
   quote: "In Huahuan County, 'birthplace of targeted poverty alleviation,' seven industrial parks for poverty alleviation established by China Minmetals are growing, which have benefited over 2,000 people and helped over 3,000 impoverished residents in increasing income and rising out of poverty, leaving permeant engines for poverty alleviation in Huahuan County."},
  {program: 'Selling Zhaotong Products in Beijing', label: 'Prefecture', code: '5306', inferred: true,
   inference: "the program sells products of Zhaotong (Zhaotong City, Yunnan, where three of the paired counties lie), as its name says",
   quote: "It also coordinated the implementation of the 'Selling Zhaotong Products in Beijing' consumption program and invested a large amount of assistance funds in introducing overseas foundations to the impoverished counties for three year in a row."},
  {program: 'Mineral Core', label: 'Organization', name: 'Panzhihua Technician Institute', inferred: true,
   inference: "the sentence names the 'Kuangxin' program; Kuangxin is Chinese for 'Mineral Core'",
   quote: "In Panzhihua Technician Institute, nearly 100 impoverished students in two classes obtained three years of systematic skill education for free under the 'Kuangxin' assistance program."}
] AS f
MATCH (p:Program {name: f.program}), (place)
WHERE f.label IN labels(place) AND (place.code = f.code OR place.name = f.name)
CREATE (p)-[r:REACHED {source: 'minmetals-2021-03-01'}]->(place)
SET r += f { .quote, .inferred, .inference };

// Conferrals: each award given at the gathering, with its recipients (both
// versions of who got the exemplary organization award), who presented it,
// who accepted it, the event and the date.
MATCH (g:Event {name: "Gathering to mark China's accomplishments in poverty alleviation"})
UNWIND [
  {name: "Exemplary Organization in China's Poverty Alleviation Fight, to China Minmetals",
   award: "Exemplary Organization in China's Poverty Alleviation Fight", quote: "The gathering honored 1,981 Exemplary Individuals and 1,501 Exemplary Organizations in China's Poverty Alleviation Fight, including China Minmetals as an exemplary organization."},
  {name: "Exemplary Individuals in China's Poverty Alleviation Fight", award: "Exemplary Individual in China's Poverty Alleviation Fight",
   quote: "The gathering honored 1,981 Exemplary Individuals and 1,501 Exemplary Organizations in China's Poverty Alleviation Fight, including China Minmetals as an exemplary organization."},
  {name: "Role Models in China's Poverty Alleviation Fight", award: "Role Model in China's Poverty Alleviation Fight",
   quote: "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech.", inferred: true,
   inference: 'the sentence does not say where he presented the awards; the paragraph is about the gathering'}
] AS c
MATCH (a:Award {name: c.award})
CREATE (conferral:Conferral {name: c.name, date: g.date})
CREATE (conferral)-[:OF_AWARD {source: 'minmetals-2021-03-01', quote: c.quote}]->(a)
CREATE (conferral)-[r:AT {source: 'minmetals-2021-03-01'}]->(g)
SET r += c { .quote, .inferred, .inference };
UNWIND [
  {org: 'China Minmetals', quote: "The gathering honored 1,981 Exemplary Individuals and 1,501 Exemplary Organizations in China's Poverty Alleviation Fight, including China Minmetals as an exemplary organization.", note: 'the body names China Minmetals; the title names the Office'},
  {org: 'China Minmetals Office of Poverty Alleviation', quote: 'China Minmetals Office of Poverty Alleviation is awarded with the Exemplary Organization in China’s Poverty Alleviation Fight',
   note: 'the title names the Office; the body names China Minmetals'}
] AS f
MATCH (c:Conferral {name: "Exemplary Organization in China's Poverty Alleviation Fight, to China Minmetals"}), (o:Organization {name: f.org})
CREATE (c)-[:RECIPIENT {source: 'minmetals-2021-03-01', quote: f.quote, note: f.note}]->(o);
MATCH (p:Person {name: 'Wang Wenhai'}), (c:Conferral {name: "Exemplary Organization in China's Poverty Alleviation Fight, to China Minmetals"})
CREATE (p)-[:ACCEPTED {source: 'minmetals-2021-03-01', on_behalf_of: 'China Minmetals', inferred: true,
                       inference: "the sentence says 'the award receiver' without naming the award; the only award it gives China Minmetals is this one",
                       quote: 'Mr. Tang Fuping, Party Group Secretary and Chairman of China Minmetals attended the gathering, and so did Mr. Wang Wenhai, Director of the Party and Mass Work Department and Director of the Office of Poverty Alleviation of China Minmetals, as the award receiver on behalf of China Minmetals.'}]->(c);
MATCH (p:Person {name: 'Xi Jinping'}), (c:Conferral {name: "Role Models in China's Poverty Alleviation Fight"})
CREATE (p)-[:PRESENTED {source: 'minmetals-2021-03-01', quote: "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech."}]->(c);

// RECEIVED: the rank in the assessment, two years in a row, counted from the
// assessment mechanism's launch in 2018.
MATCH (o:Organization {name: 'China Minmetals'}), (a:Award {name: "'Good' in the assessment for assistance for targeted poor areas"})
CREATE (o)-[:RECEIVED {source: 'minmetals-2021-03-01', years_in_a_row: 2, assessment_launched: 2018,
                       quote: "With such great efforts, China Minmetals was ranked 'Good,' the highest rank in the assessment for assistance for targeted poor areas from central Party and government departments for two years in a row since the official launching of the assessment mechanism in 2018."}]->(a);

// The speech and what it declared.
MATCH (p:Person {name: 'Xi Jinping'}), (speech:Event {name: "Xi Jinping's speech at the gathering"}),
      (g:Event {name: "Gathering to mark China's accomplishments in poverty alleviation"}),
      (v:Event {name: "China's complete victory in its fight against poverty"}), (china:Country {name: 'China'}),
      (cpc:Organization {name: 'Communist Party of China'})
CREATE (p)-[:DELIVERED {source: 'minmetals-2021-03-01', quote: "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech."}]->(speech)
CREATE (speech)-[:PART_OF {source: 'minmetals-2021-03-01', inferred: true,
                           inference: 'the sentence does not say where he spoke; the paragraph is about the gathering',
                           quote: "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech."}]->(g)
CREATE (speech)-[:DECLARED {source: 'minmetals-2021-03-01',
                            quote: 'He solemnly declared that under the joint efforts of the whole Party and people of all ethnic groups in China, at the significant moment of the 100th anniversary of the founding of the CPC, China had scored a complete victory in its fight against poverty.'}]->(v)
CREATE (v)-[:CONCERNS {source: 'minmetals-2021-03-01',
                       quote: "China has eliminated overall regional poverty and achieved the formidable task of eradicating absolute poverty, creating another 'miracle' that will 'go down in history.'"}]->(china)
CREATE (v)-[:MARKS {source: 'minmetals-2021-03-01', anniversary: 100, of: 'the founding of the CPC',
                    quote: 'He solemnly declared that under the joint efforts of the whole Party and people of all ethnic groups in China, at the significant moment of the 100th anniversary of the founding of the CPC, China had scored a complete victory in its fight against poverty.'}]->(cpc);

// Statistics: every number the text gives but sums of money, with the
// words it uses (`as`) and its qualifier.
MATCH (d:Document {id: 'minmetals-2021-03-01'})
UNWIND [
  {label: 'Event', of: "China's complete victory in its fight against poverty", name: 'Impoverished rural residents lifted out of poverty',
   value: 98990000, unit: 'people', qualifier: 'all', as: '98.99 million impoverished rural residents',
   quote: 'The 98.99 million impoverished rural residents living under the current poverty line have all been lifted out of poverty.'},
  {label: 'Event', of: "China's complete victory in its fight against poverty", name: 'Impoverished counties removed from the poverty list',
   value: 832, unit: 'counties', qualifier: 'all', as: 'All the 832 impoverished counties',
   quote: 'All the 832 impoverished counties and 128,000 impoverished villages have been removed from the poverty list.'},
  {label: 'Event', of: "China's complete victory in its fight against poverty", name: 'Impoverished villages removed from the poverty list',
   value: 128000, unit: 'villages', qualifier: 'all', as: '128,000 impoverished villages',
   quote: 'All the 832 impoverished counties and 128,000 impoverished villages have been removed from the poverty list.'},
  {label: 'Conferral', of: "Exemplary Individuals in China's Poverty Alleviation Fight", name: 'Exemplary Individuals honored',
   value: 1981, unit: 'people', as: '1,981 Exemplary Individuals', quote: "The gathering honored 1,981 Exemplary Individuals and 1,501 Exemplary Organizations in China's Poverty Alleviation Fight, including China Minmetals as an exemplary organization."},
  {label: 'Event', of: "Gathering to mark China's accomplishments in poverty alleviation", name: 'Exemplary Organizations honored',
   value: 1501, unit: 'organizations', as: '1,501 Exemplary Organizations', quote: "The gathering honored 1,981 Exemplary Individuals and 1,501 Exemplary Organizations in China's Poverty Alleviation Fight, including China Minmetals as an exemplary organization."},
  {label: 'Organization', of: 'China Minmetals', name: 'Paired counties that were key counties of extreme poverty',
   value: 2, unit: 'counties', of_total: 6, as: 'two were key counties of extreme poverty',
   quote: 'Among the six impoverished counties paired with China Minmetals, two were key counties of extreme poverty under the speeding-up efforts of the State Council Leading Group Office of Poverty Alleviation and Development (CPAD).'},
  {label: 'Program', of: 'Industrial parks for poverty alleviation in Huahuan County', name: 'Industrial parks established',
   value: 7, unit: 'industrial parks', as: 'seven industrial parks for poverty alleviation',
   quote: "In Huahuan County, 'birthplace of targeted poverty alleviation,' seven industrial parks for poverty alleviation established by China Minmetals are growing, which have benefited over 2,000 people and helped over 3,000 impoverished residents in increasing income and rising out of poverty, leaving permeant engines for poverty alleviation in Huahuan County."},
  {label: 'Program', of: 'Industrial parks for poverty alleviation in Huahuan County', name: 'People benefited',
   value: 2000, unit: 'people', qualifier: 'over', as: 'over 2,000 people',
   quote: "In Huahuan County, 'birthplace of targeted poverty alleviation,' seven industrial parks for poverty alleviation established by China Minmetals are growing, which have benefited over 2,000 people and helped over 3,000 impoverished residents in increasing income and rising out of poverty, leaving permeant engines for poverty alleviation in Huahuan County."},
  {label: 'Program', of: 'Industrial parks for poverty alleviation in Huahuan County', name: 'Impoverished residents helped out of poverty',
   value: 3000, unit: 'people', qualifier: 'over', as: 'over 3,000 impoverished residents',
   quote: "In Huahuan County, 'birthplace of targeted poverty alleviation,' seven industrial parks for poverty alleviation established by China Minmetals are growing, which have benefited over 2,000 people and helped over 3,000 impoverished residents in increasing income and rising out of poverty, leaving permeant engines for poverty alleviation in Huahuan County."},
  {label: 'Program', of: 'Mineral Core', name: 'Impoverished students educated for free', value: 100, unit: 'students', qualifier: 'nearly',
   as: 'nearly 100 impoverished students', inferred: true, inference: "the sentence names the 'Kuangxin' program; Kuangxin is Chinese for 'Mineral Core'",
   quote: "In Panzhihua Technician Institute, nearly 100 impoverished students in two classes obtained three years of systematic skill education for free under the 'Kuangxin' assistance program."},
  {label: 'Program', of: 'Mineral Core', name: 'Classes', value: 2, unit: 'classes', as: 'two classes',
   inferred: true, inference: "the sentence names the 'Kuangxin' program; Kuangxin is Chinese for 'Mineral Core'",
   quote: "In Panzhihua Technician Institute, nearly 100 impoverished students in two classes obtained three years of systematic skill education for free under the 'Kuangxin' assistance program."},
  {label: 'Program', of: 'Mineral Core', name: 'Years of systematic skill education', value: 3, unit: 'years', as: 'three years of systematic skill education',
   inferred: true, inference: "the sentence names the 'Kuangxin' program; Kuangxin is Chinese for 'Mineral Core'",
   quote: "In Panzhihua Technician Institute, nearly 100 impoverished students in two classes obtained three years of systematic skill education for free under the 'Kuangxin' assistance program."},
  {label: 'Program', of: 'futures + insurance', name: 'Projects carried out', value: 23, unit: 'projects', as: '23 projects',
   quote: "Under the 'futures + insurance' financial program for poverty alleviation, 23 projects featuring six futures products were carried out in 11 impoverished counties around China, assisting over 69,000 rural households."},
  {label: 'Program', of: 'futures + insurance', name: 'Futures products featured', value: 6, unit: 'futures products', as: 'six futures products',
   quote: "Under the 'futures + insurance' financial program for poverty alleviation, 23 projects featuring six futures products were carried out in 11 impoverished counties around China, assisting over 69,000 rural households."},
  {label: 'Program', of: 'futures + insurance', name: 'Impoverished counties reached', value: 11, unit: 'counties', as: '11 impoverished counties around China',
   quote: "Under the 'futures + insurance' financial program for poverty alleviation, 23 projects featuring six futures products were carried out in 11 impoverished counties around China, assisting over 69,000 rural households."},
  {label: 'Program', of: 'futures + insurance', name: 'Rural households assisted', value: 69000, unit: 'households', qualifier: 'over', as: 'over 69,000 rural households',
   quote: "Under the 'futures + insurance' financial program for poverty alleviation, 23 projects featuring six futures products were carried out in 11 impoverished counties around China, assisting over 69,000 rural households."}
] AS f
MATCH (subject {name: f.of})
WHERE f.label IN labels(subject)
CREATE (s:Statistic {name: f.name, value: f.value, unit: f.unit})
SET s += f { .qualifier, .of_total }
CREATE (subject)-[r:HAS_STATISTIC {source: 'minmetals-2021-03-01', as: f.as, quote: f.quote}]->(s)
SET r += f { .inferred, .inference }
CREATE (d)-[:MENTIONS {source: 'minmetals-2021-03-01', as: f.as, quote: f.quote}]->(s);

// The key counties of extreme poverty were named so under the CPAD's efforts.
MATCH (s:Statistic {name: 'Paired counties that were key counties of extreme poverty'}), (c:Organization {name: 'CPAD'})
CREATE (s)-[:DESIGNATED_BY {source: 'minmetals-2021-03-01', as: 'under the speeding-up efforts of',
                            quote: 'Among the six impoverished counties paired with China Minmetals, two were key counties of extreme poverty under the speeding-up efforts of the State Council Leading Group Office of Poverty Alleviation and Development (CPAD).'}]->(c);

// Publicity and white papers.
WITH "Furthermore, China Minmetals Office of Poverty Alleviation has enhanced the publicity of poverty alleviation by promoting its experience and practice on major media platforms and compiling white papers on poverty alleviation, aiming at systematic introductions to the China Minmetals's general ideas, representative practices, and major achievements in the cause." AS quote
MATCH (o:Organization {name: 'China Minmetals Office of Poverty Alleviation'}), (p:Program {name: 'Publicity of poverty alleviation'}),
      (w:Document {id: 'china-minmetals-white-papers-on-poverty-alleviation'})
CREATE (o)-[:CARRIED_OUT {source: 'minmetals-2021-03-01', as: 'enhanced the publicity of poverty alleviation', quote: quote}]->(p)
CREATE (o)-[:COMPILED {source: 'minmetals-2021-03-01', as: 'compiling white papers on poverty alleviation', quote: quote}]->(w);

// Huayuan's epithet.
MATCH (d:Document {id: 'minmetals-2021-03-01'}), (c:County {code: '433124'})
CREATE (d)-[:DESCRIBES {source: 'minmetals-2021-03-01', as: 'birthplace of targeted poverty alleviation',
                        quote: "In Huahuan County, 'birthplace of targeted poverty alleviation,' seven industrial parks for poverty alleviation established by China Minmetals are growing, which have benefited over 2,000 people and helped over 3,000 impoverished residents in increasing income and rising out of poverty, leaving permeant engines for poverty alleviation in Huahuan County."}]->(c);

// HOLDS_POSITION.
WITH "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech." AS xi,
     'Mr. Tang Fuping, Party Group Secretary and Chairman of China Minmetals attended the gathering, and so did Mr. Wang Wenhai, Director of the Party and Mass Work Department and Director of the Office of Poverty Alleviation of China Minmetals, as the award receiver on behalf of China Minmetals.' AS s4
UNWIND [
  {person: 'Xi Jinping', org: 'CPC Central Committee', title: 'General Secretary', quote: xi},
  {person: 'Xi Jinping', org: 'Central Military Commission', title: 'Chairman', quote: xi},
  {person: 'Tang Fuping', org: 'Party Group of China Minmetals', title: 'Party Group Secretary', quote: s4},
  {person: 'Tang Fuping', org: 'China Minmetals', title: 'Chairman', quote: s4},
  {person: 'Wang Wenhai', org: 'China Minmetals Party and Mass Work Department', title: 'Director', quote: s4},
  {person: 'Wang Wenhai', org: 'China Minmetals Office of Poverty Alleviation', title: 'Director', quote: s4}
] AS f
MATCH (p:Person {name: f.person}), (o:Organization {name: f.org})
CREATE (p)-[:HOLDS_POSITION {source: 'minmetals-2021-03-01', title: f.title, quote: f.quote}]->(o);
// "Chinese President": a position in the state, held toward the country itself.
MATCH (p:Person {name: 'Xi Jinping'}), (c:Country {name: 'China'})
CREATE (p)-[:HOLDS_POSITION {source: 'minmetals-2021-03-01', title: 'President',
                             quote: "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech."}]->(c);

// PART_OF.
UNWIND [
  {part: 'China Minmetals Office of Poverty Alleviation', whole: 'China Minmetals',
   quote: 'Mr. Tang Fuping, Party Group Secretary and Chairman of China Minmetals attended the gathering, and so did Mr. Wang Wenhai, Director of the Party and Mass Work Department and Director of the Office of Poverty Alleviation of China Minmetals, as the award receiver on behalf of China Minmetals.'},
  {part: 'China Minmetals Party and Mass Work Department', whole: 'China Minmetals', inferred: true,
   inference: "the text says 'Director of the Party and Mass Work Department and Director of the Office of Poverty Alleviation of China Minmetals': 'of China Minmetals' is read as naming both",
   quote: 'Mr. Tang Fuping, Party Group Secretary and Chairman of China Minmetals attended the gathering, and so did Mr. Wang Wenhai, Director of the Party and Mass Work Department and Director of the Office of Poverty Alleviation of China Minmetals, as the award receiver on behalf of China Minmetals.'},
  {part: 'Party Group of China Minmetals', whole: 'China Minmetals',
   quote: 'In face of such an arduous and formidable situation, China Minmetals Office of Poverty Alleviation strived and took the initiative to innovate under the leadership of the Party Group of China Minmetals and with the strong support of officials serving temporary positions and directly-managed enterprises.'},
  {part: 'China Minmetals Labor Union', whole: 'China Minmetals',
   quote: 'In terms of pro-consumption campaigns to aid poverty alleviation, the Company doubled its contribution by mobilizing its labor union.'},
  {part: 'CPC Central Committee', whole: 'Communist Party of China',
   quote: "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech."}
] AS f
MATCH (a:Organization {name: f.part}), (b:Organization {name: f.whole})
CREATE (a)-[r:PART_OF {source: 'minmetals-2021-03-01', quote: f.quote}]->(b)
SET r += f { .inferred, .inference };

// FUNDED: China Minmetals' own money, in yuan, one relationship per sum the
// text names, so that adding them up is right (RMB 377 million). The RMB
// 170 million went to the six counties together: it is one Funding node
// with the six as recipients. The RMB 47.113 million it "facilitated" is
// not its own money: FACILITATED, to a Funding node whose recipients the
// text does not name.
WITH "It has invested assistance funds of RMB 170 million to the six counties, allocated RMB 207 million to the Central SOEs Industrial Investment Fund for Poor Area, and facilitated the introduction of assistance funds of RMB 47.113 million." AS quote
MATCH (o:Organization {name: 'China Minmetals'})
CREATE (o)-[:FUNDED {source: 'minmetals-2021-03-01', amount_rmb: 170000000, quote: quote}]->
       (f:Funding {name: 'Assistance funds invested in the six paired counties', amount_rmb: 170000000})
WITH f, quote
UNWIND ['530627', '530628', '530629', '433124', '520627', '520626'] AS code
MATCH (k:County {code: code})
CREATE (f)-[:RECIPIENT {source: 'minmetals-2021-03-01', quote: quote}]->(k);
MATCH (o:Organization {name: 'China Minmetals'}), (f:Organization {name: 'Central SOEs Industrial Investment Fund for Poor Area'})
CREATE (o)-[:FUNDED {source: 'minmetals-2021-03-01', amount_rmb: 207000000,
                     quote: 'It has invested assistance funds of RMB 170 million to the six counties, allocated RMB 207 million to the Central SOEs Industrial Investment Fund for Poor Area, and facilitated the introduction of assistance funds of RMB 47.113 million.'}]->(f);
MATCH (o:Organization {name: 'China Minmetals'})
CREATE (o)-[:FACILITATED {source: 'minmetals-2021-03-01', amount_rmb: 47113000,
                          quote: 'It has invested assistance funds of RMB 170 million to the six counties, allocated RMB 207 million to the Central SOEs Industrial Investment Fund for Poor Area, and facilitated the introduction of assistance funds of RMB 47.113 million.'}]->
       (:Funding {name: 'Assistance funds whose introduction China Minmetals facilitated', amount_rmb: 47113000});
// The funds for overseas foundations: an amount the text does not give.
MATCH (o:Organization {name: 'China Minmetals'})
CREATE (o)-[:FUNDED {source: 'minmetals-2021-03-01', amount_text: 'a large amount', years_in_a_row: 3,
                     purpose: 'introducing overseas foundations to the impoverished counties',
                     quote: "It also coordinated the implementation of the 'Selling Zhaotong Products in Beijing' consumption program and invested a large amount of assistance funds in introducing overseas foundations to the impoverished counties for three year in a row."}]->
       (:Funding {name: 'Assistance funds for introducing overseas foundations'});

// LED_BY and MOBILIZED: how the work was organized.
MATCH (office:Organization {name: 'China Minmetals Office of Poverty Alleviation'}), (g:Organization {name: 'Party Group of China Minmetals'})
CREATE (office)-[:LED_BY {source: 'minmetals-2021-03-01',
                          quote: 'In face of such an arduous and formidable situation, China Minmetals Office of Poverty Alleviation strived and took the initiative to innovate under the leadership of the Party Group of China Minmetals and with the strong support of officials serving temporary positions and directly-managed enterprises.'}]->(g);
MATCH (o:Organization {name: 'China Minmetals'}), (u:Organization {name: 'China Minmetals Labor Union'})
CREATE (o)-[:MOBILIZED {source: 'minmetals-2021-03-01', effect: 'doubled its contribution to pro-consumption campaigns for poverty alleviation',
                        quote: 'In terms of pro-consumption campaigns to aid poverty alleviation, the Company doubled its contribution by mobilizing its labor union.'}]->(u);

// ATTENDED and where the gathering was.
UNWIND [
  {person: 'Tang Fuping', quote: 'Mr. Tang Fuping, Party Group Secretary and Chairman of China Minmetals attended the gathering, and so did Mr. Wang Wenhai, Director of the Party and Mass Work Department and Director of the Office of Poverty Alleviation of China Minmetals, as the award receiver on behalf of China Minmetals.'},
  {person: 'Wang Wenhai', quote: 'Mr. Tang Fuping, Party Group Secretary and Chairman of China Minmetals attended the gathering, and so did Mr. Wang Wenhai, Director of the Party and Mass Work Department and Director of the Office of Poverty Alleviation of China Minmetals, as the award receiver on behalf of China Minmetals.'},
  {person: 'Xi Jinping', inferred: true, inference: 'he presented awards and spoke; the text places this at the gathering only by context',
   quote: "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech."}
] AS f
MATCH (p:Person {name: f.person}), (e:Event {date: date('2021-02-25')})
CREATE (p)-[r:ATTENDED {source: 'minmetals-2021-03-01'}]->(e)
SET r += f { .quote, .inferred, .inference };
MATCH (e:Event {date: date('2021-02-25')}), (b:Province {name: 'Beijing'})
CREATE (e)-[:LOCATED_IN {source: 'minmetals-2021-03-01',
                         quote: "On February 25, a grand gathering was held in Beijing to mark the China's accomplishments in poverty alleviation and honor its model poverty fighters."}]->(b);

// RECOGNIZED_BY: model cases chosen by the CPAD.
WITH "Its 'futures + insurance' financial practice and the 'Small and Beautiful' industrial model for poverty alleviation were selected as model cases of targeted poverty alleviation by enterprises by the CPAD in 2018 and 2019, respectively." AS quote
UNWIND [{program: 'futures + insurance', year: 2018}, {program: 'Small and Beautiful', year: 2019}] AS f
MATCH (p:Program {name: f.program}), (c:Organization {name: 'CPAD'})
CREATE (p)-[:RECOGNIZED_BY {source: 'minmetals-2021-03-01', year: f.year, as: 'model case of targeted poverty alleviation by enterprises', quote: quote}]->(c);

// The counties' leaving the poverty list: an event the text dates "by the
// end of November 2020", stored as that month's last day. The text says
// seven counties but names six: the six PAIRED_WITH counties are linked.
WITH 'By the end of November 2020, the seven impoverished counties paired with China Minmetals were removed from the poverty list as planned.' AS quote
CREATE (e:Event {name: 'Paired counties removed from the poverty list', date: date('2020-11-30'),
                 date_is: 'by the end of November 2020', counties_in_text: 7, quote: quote})
WITH e, quote
MATCH (:Organization {name: 'China Minmetals'})-[:PAIRED_WITH]->(k:County)
CREATE (e)-[:CONCERNS {source: 'minmetals-2021-03-01', quote: quote}]->(k);

// MENTIONS: the document to every entity it names, with the first sentence
// that names it and the words it uses (`as`).
MATCH (d:Document {id: 'minmetals-2021-03-01'})
WITH d, [
  {label: 'Organization', name: 'China Minmetals', as: 'China Minmetals Corporation', quote: 'China Minmetals Corporation'},
  {label: 'Organization', name: 'China Minmetals Office of Poverty Alleviation', as: 'China Minmetals Office of Poverty Alleviation', quote: 'China Minmetals Office of Poverty Alleviation is awarded with the Exemplary Organization in China’s Poverty Alleviation Fight'},
  {label: 'Award', name: "Exemplary Organization in China's Poverty Alleviation Fight", as: 'Exemplary Organization in China’s Poverty Alleviation Fight', quote: 'China Minmetals Office of Poverty Alleviation is awarded with the Exemplary Organization in China’s Poverty Alleviation Fight'},
  {label: 'Event', name: "Gathering to mark China's accomplishments in poverty alleviation", as: 'a grand gathering', quote: "On February 25, a grand gathering was held in Beijing to mark the China's accomplishments in poverty alleviation and honor its model poverty fighters."},
  {label: 'Event', name: 'Paired counties removed from the poverty list', as: 'removed from the poverty list', quote: 'By the end of November 2020, the seven impoverished counties paired with China Minmetals were removed from the poverty list as planned.'},
  {label: 'Funding', name: 'Assistance funds invested in the six paired counties', as: 'assistance funds of RMB 170 million', quote: 'It has invested assistance funds of RMB 170 million to the six counties, allocated RMB 207 million to the Central SOEs Industrial Investment Fund for Poor Area, and facilitated the introduction of assistance funds of RMB 47.113 million.'},
  {label: 'Funding', name: 'Assistance funds for introducing overseas foundations', as: 'a large amount of assistance funds', quote: "It also coordinated the implementation of the 'Selling Zhaotong Products in Beijing' consumption program and invested a large amount of assistance funds in introducing overseas foundations to the impoverished counties for three year in a row."},
  {label: 'Funding', name: 'Assistance funds whose introduction China Minmetals facilitated', as: 'assistance funds of RMB 47.113 million', quote: 'It has invested assistance funds of RMB 170 million to the six counties, allocated RMB 207 million to the Central SOEs Industrial Investment Fund for Poor Area, and facilitated the introduction of assistance funds of RMB 47.113 million.'},
  {label: 'Province', name: 'Beijing', as: 'Beijing', quote: "On February 25, a grand gathering was held in Beijing to mark the China's accomplishments in poverty alleviation and honor its model poverty fighters."},
  {label: 'Country', name: 'China', as: 'China', quote: "On February 25, a grand gathering was held in Beijing to mark the China's accomplishments in poverty alleviation and honor its model poverty fighters."},
  {label: 'Person', name: 'Xi Jinping', as: 'Xi Jinping', quote: "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech."},
  {label: 'Organization', name: 'Communist Party of China', as: 'Communist Party of China (CPC)', quote: "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech."},
  {label: 'Organization', name: 'CPC Central Committee', as: 'Communist Party of China (CPC) Central Committee', quote: "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech."},
  {label: 'Organization', name: 'Central Military Commission', as: 'Central Military Commission', quote: "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech."},
  {label: 'Award', name: "Role Model in China's Poverty Alleviation Fight", as: "Role Models in China's Poverty Alleviation Fight", quote: "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech."},
  {label: 'Award', name: "Exemplary Individual in China's Poverty Alleviation Fight", as: 'Exemplary Individuals', quote: "The gathering honored 1,981 Exemplary Individuals and 1,501 Exemplary Organizations in China's Poverty Alleviation Fight, including China Minmetals as an exemplary organization."},
  {label: 'Person', name: 'Tang Fuping', as: 'Mr. Tang Fuping', quote: 'Mr. Tang Fuping, Party Group Secretary and Chairman of China Minmetals attended the gathering, and so did Mr. Wang Wenhai, Director of the Party and Mass Work Department and Director of the Office of Poverty Alleviation of China Minmetals, as the award receiver on behalf of China Minmetals.'},
  {label: 'Person', name: 'Wang Wenhai', as: 'Mr. Wang Wenhai', quote: 'Mr. Tang Fuping, Party Group Secretary and Chairman of China Minmetals attended the gathering, and so did Mr. Wang Wenhai, Director of the Party and Mass Work Department and Director of the Office of Poverty Alleviation of China Minmetals, as the award receiver on behalf of China Minmetals.'},
  {label: 'Organization', name: 'China Minmetals Party and Mass Work Department', as: 'Party and Mass Work Department', quote: 'Mr. Tang Fuping, Party Group Secretary and Chairman of China Minmetals attended the gathering, and so did Mr. Wang Wenhai, Director of the Party and Mass Work Department and Director of the Office of Poverty Alleviation of China Minmetals, as the award receiver on behalf of China Minmetals.'},
  {label: 'County', code: '530627', as: 'Zhenxiong', quote: 'It has spared no efforts to firmly and effectively assist six paired impoverished counties, namely Zhenxiong, Yilaing, Weixin counties in Yunnan Province, Huahuan County in Hunan Province, and Yanhe and Dejiang counties in Guizhou Province.'},
  {label: 'County', code: '530628', as: 'Yilaing', quote: 'It has spared no efforts to firmly and effectively assist six paired impoverished counties, namely Zhenxiong, Yilaing, Weixin counties in Yunnan Province, Huahuan County in Hunan Province, and Yanhe and Dejiang counties in Guizhou Province.'},
  {label: 'County', code: '530629', as: 'Weixin', quote: 'It has spared no efforts to firmly and effectively assist six paired impoverished counties, namely Zhenxiong, Yilaing, Weixin counties in Yunnan Province, Huahuan County in Hunan Province, and Yanhe and Dejiang counties in Guizhou Province.'},
  {label: 'County', code: '433124', as: 'Huahuan County', quote: 'It has spared no efforts to firmly and effectively assist six paired impoverished counties, namely Zhenxiong, Yilaing, Weixin counties in Yunnan Province, Huahuan County in Hunan Province, and Yanhe and Dejiang counties in Guizhou Province.'},
  {label: 'County', code: '520627', as: 'Yanhe', quote: 'It has spared no efforts to firmly and effectively assist six paired impoverished counties, namely Zhenxiong, Yilaing, Weixin counties in Yunnan Province, Huahuan County in Hunan Province, and Yanhe and Dejiang counties in Guizhou Province.'},
  {label: 'County', code: '520626', as: 'Dejiang', quote: 'It has spared no efforts to firmly and effectively assist six paired impoverished counties, namely Zhenxiong, Yilaing, Weixin counties in Yunnan Province, Huahuan County in Hunan Province, and Yanhe and Dejiang counties in Guizhou Province.'},
  {label: 'Province', name: 'Yunnan', as: 'Yunnan Province', quote: 'It has spared no efforts to firmly and effectively assist six paired impoverished counties, namely Zhenxiong, Yilaing, Weixin counties in Yunnan Province, Huahuan County in Hunan Province, and Yanhe and Dejiang counties in Guizhou Province.'},
  {label: 'Province', name: 'Hunan', as: 'Hunan Province', quote: 'It has spared no efforts to firmly and effectively assist six paired impoverished counties, namely Zhenxiong, Yilaing, Weixin counties in Yunnan Province, Huahuan County in Hunan Province, and Yanhe and Dejiang counties in Guizhou Province.'},
  {label: 'Province', name: 'Guizhou', as: 'Guizhou Province', quote: 'It has spared no efforts to firmly and effectively assist six paired impoverished counties, namely Zhenxiong, Yilaing, Weixin counties in Yunnan Province, Huahuan County in Hunan Province, and Yanhe and Dejiang counties in Guizhou Province.'},
  {label: 'Organization', name: 'Central SOEs Industrial Investment Fund for Poor Area', as: 'Central SOEs Industrial Investment Fund for Poor Area', quote: 'It has invested assistance funds of RMB 170 million to the six counties, allocated RMB 207 million to the Central SOEs Industrial Investment Fund for Poor Area, and facilitated the introduction of assistance funds of RMB 47.113 million.'},
  {label: 'Organization', name: 'CPAD', as: 'State Council Leading Group Office of Poverty Alleviation and Development (CPAD)', quote: 'Among the six impoverished counties paired with China Minmetals, two were key counties of extreme poverty under the speeding-up efforts of the State Council Leading Group Office of Poverty Alleviation and Development (CPAD).'},
  {label: 'Organization', name: 'Party Group of China Minmetals', as: 'Party Group of China Minmetals', quote: 'In face of such an arduous and formidable situation, China Minmetals Office of Poverty Alleviation strived and took the initiative to innovate under the leadership of the Party Group of China Minmetals and with the strong support of officials serving temporary positions and directly-managed enterprises.'},
  {label: 'Program', name: 'futures + insurance', as: "'futures + insurance' financial program", quote: "It launched financial poverty alleviation models such as the 'futures + insurance' financial program, the 'Mineral Core' vocational education program, the 'Small and Beautiful' industrial program in Huahuan County."},
  {label: 'Program', name: 'Mineral Core', as: "'Mineral Core' vocational education program", quote: "It launched financial poverty alleviation models such as the 'futures + insurance' financial program, the 'Mineral Core' vocational education program, the 'Small and Beautiful' industrial program in Huahuan County."},
  {label: 'Program', name: 'Small and Beautiful', as: "'Small and Beautiful' industrial program", quote: "It launched financial poverty alleviation models such as the 'futures + insurance' financial program, the 'Mineral Core' vocational education program, the 'Small and Beautiful' industrial program in Huahuan County."},
  {label: 'Program', name: 'Selling Zhaotong Products in Beijing', as: "'Selling Zhaotong Products in Beijing' consumption program", quote: "It also coordinated the implementation of the 'Selling Zhaotong Products in Beijing' consumption program and invested a large amount of assistance funds in introducing overseas foundations to the impoverished counties for three year in a row."},
  {label: 'Prefecture', code: '5306', as: 'Zhaotong', quote: "It also coordinated the implementation of the 'Selling Zhaotong Products in Beijing' consumption program and invested a large amount of assistance funds in introducing overseas foundations to the impoverished counties for three year in a row."},
  {label: 'Program', name: 'Industrial parks for poverty alleviation in Huahuan County', as: 'seven industrial parks for poverty alleviation', quote: "In Huahuan County, 'birthplace of targeted poverty alleviation,' seven industrial parks for poverty alleviation established by China Minmetals are growing, which have benefited over 2,000 people and helped over 3,000 impoverished residents in increasing income and rising out of poverty, leaving permeant engines for poverty alleviation in Huahuan County."},
  {label: 'Organization', name: 'Panzhihua Technician Institute', as: 'Panzhihua Technician Institute', quote: "In Panzhihua Technician Institute, nearly 100 impoverished students in two classes obtained three years of systematic skill education for free under the 'Kuangxin' assistance program."},
  {label: 'Organization', name: 'China Minmetals Labor Union', as: 'its labor union', quote: 'In terms of pro-consumption campaigns to aid poverty alleviation, the Company doubled its contribution by mobilizing its labor union.'},
  {label: 'Event', name: "Xi Jinping's speech at the gathering", as: 'an important speech', quote: "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech."},
  {label: 'Event', name: "China's complete victory in its fight against poverty", as: 'a complete victory in its fight against poverty', quote: 'He solemnly declared that under the joint efforts of the whole Party and people of all ethnic groups in China, at the significant moment of the 100th anniversary of the founding of the CPC, China had scored a complete victory in its fight against poverty.'},
  {label: 'Conferral', name: "Role Models in China's Poverty Alleviation Fight", as: "presented awards to Role Models in China's Poverty Alleviation Fight", quote: "Xi Jinping, Chinese President, General Secretary of the Communist Party of China (CPC) Central Committee and Chairman of the Central Military Commission, presented awards to Role Models in China's Poverty Alleviation Fight and delivered an important speech."},
  {label: 'Conferral', name: "Exemplary Individuals in China's Poverty Alleviation Fight", as: '1,981 Exemplary Individuals', quote: "The gathering honored 1,981 Exemplary Individuals and 1,501 Exemplary Organizations in China's Poverty Alleviation Fight, including China Minmetals as an exemplary organization."},
  {label: 'Conferral', name: "Exemplary Organization in China's Poverty Alleviation Fight, to China Minmetals", as: 'including China Minmetals as an exemplary organization', quote: "The gathering honored 1,981 Exemplary Individuals and 1,501 Exemplary Organizations in China's Poverty Alleviation Fight, including China Minmetals as an exemplary organization."},
  {label: 'Program', name: 'Publicity of poverty alleviation', as: 'the publicity of poverty alleviation', quote: "Furthermore, China Minmetals Office of Poverty Alleviation has enhanced the publicity of poverty alleviation by promoting its experience and practice on major media platforms and compiling white papers on poverty alleviation, aiming at systematic introductions to the China Minmetals's general ideas, representative practices, and major achievements in the cause."},
  {label: 'Document', name: 'White papers on poverty alleviation', as: 'white papers on poverty alleviation', quote: "Furthermore, China Minmetals Office of Poverty Alleviation has enhanced the publicity of poverty alleviation by promoting its experience and practice on major media platforms and compiling white papers on poverty alleviation, aiming at systematic introductions to the China Minmetals's general ideas, representative practices, and major achievements in the cause."},
  {label: 'Award', name: "'Good' in the assessment for assistance for targeted poor areas", as: "ranked 'Good,'", quote: "With such great efforts, China Minmetals was ranked 'Good,' the highest rank in the assessment for assistance for targeted poor areas from central Party and government departments for two years in a row since the official launching of the assessment mechanism in 2018."}
] AS mentions
MATCH (e)
UNWIND mentions AS m
WITH d, e, m
WHERE m.label IN labels(e) AND (e.name = m.name OR e.code = m.code OR e.title = m.name)
CREATE (d)-[:MENTIONS {source: 'minmetals-2021-03-01', as: m.as, quote: m.quote}]->(e);

// ---- Full-text search ----
// Every fact's quote (English, stemmed: "parks" finds "park"), and every
// name: English, Chinese (found without spaces: 彝良 finds 彝良县), aliases.
CREATE FULLTEXT INDEX quotes IF NOT EXISTS
FOR ()-[r:PAIRED_WITH|LAUNCHED|COORDINATED|REACHED|OF_AWARD|AT|RECIPIENT|ACCEPTED|PRESENTED|RECEIVED|DELIVERED|PART_OF|DECLARED|CONCERNS|MARKS|HAS_STATISTIC|DESIGNATED_BY|CARRIED_OUT|COMPILED|DESCRIBES|HOLDS_POSITION|FUNDED|FACILITATED|RECIPIENT|LED_BY|MOBILIZED|ATTENDED|LOCATED_IN|RECOGNIZED_BY|MENTIONS]-()
ON EACH [r.quote]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}};
CREATE FULLTEXT INDEX names IF NOT EXISTS
FOR (n:Organization|Person|Program|Award|Event|Funding|Statistic|Conferral|Document|Country|Province|Prefecture|County)
ON EACH [n.name, n.name_zh, n.full_name, n.aliases, n.inferred_aliases, n.title];
