defmodule Hello do
  @moduledoc "Says hello."

  @doc "Returns a greeting for name."
  def hello(name \\ "world"), do: "Hello, #{name}!"
end
