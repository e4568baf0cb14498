# The HTML-parser task in Ruby with Nokogiri's HTML5 parser (gumbo, in C, under Ruby).
#
# Same task and rules as parse_stdlib.py: the exact total from the h3 after the label
# "Total downloads", the 30-day series from the svg labelled "Downloads for the last 30 days".
# Template contents stay in the tree with Nokogiri, so they are excluded by hand.
#
#   ruby parse.rb PAGE [--repeat N]
#
# prints {"total": ..., "days": [[date, count], ...]}; with --repeat, then {"call_ns": [...]}.

require "json"
require "nokogiri"

TOTAL_LABEL = "Total downloads"
CHART_LABEL = "Downloads for the last 30 days"

def in_template?(node)
  node.ancestors.any? { |a| a.respond_to?(:name) && a.name == "template" }
end

def label?(node, text)
  !node.nil? && node.text.strip == text
end

# The svg labelled by its own aria-label, a wrapper's, or a label text just before it.
def chart(doc)
  labelled = doc.css("svg[aria-label='#{CHART_LABEL}'], [aria-label='#{CHART_LABEL}'] svg")
  labelled.find { |s| !in_template?(s) } ||
    doc.css("svg").find { |s| !in_template?(s) && label?(s.previous_element, CHART_LABEL) }
end

def extract(html)
  doc = Nokogiri::HTML5(html)
  h3 = doc.css("h3[title]").find { |h| !in_template?(h) && label?(h.previous_element, TOTAL_LABEL) }
  raise "no h3 title after 'Total downloads'" if h3.nil?
  svg = chart(doc)
  raise "no chart labelled 'Downloads for the last 30 days'" if svg.nil?
  # Oldest first, as the Rust parser returns them (GitHub lists the days newest first).
  days = svg.css("rect[data-date]").map { |r| [r["data-date"], Integer(r["data-merge-count"], 10)] }.sort_by(&:first)
  [Integer(h3["title"].delete(","), 10), days]
end

html = File.read(ARGV[0], encoding: "utf-8")
total, days = extract(html)
puts JSON.generate({ "total" => total, "days" => days })
if (i = ARGV.index("--repeat"))
  calls = Array.new(Integer(ARGV[i + 1])) do
    t = Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond)
    extract(html)
    Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond) - t
  end
  puts JSON.generate({ "call_ns" => calls })
end
