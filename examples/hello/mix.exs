defmodule Hello.MixProject do
  use Mix.Project

  def project do
    [app: :hello, version: "0.1.0", elixir: "~> 1.14", deps: [{:jason, "~> 1.4", optional: true}]]
  end
end
